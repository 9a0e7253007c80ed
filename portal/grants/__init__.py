"""Grants (资助协议): agreements, tranches, maker-checker disbursements, reports, evaluations,
mentoring, ledgers, dashboards and the 360Giving export."""
