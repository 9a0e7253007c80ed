"""Sponsor matching: sessions (对接会) and standing catalogues (常年认领), pledges and claims, match
funding (配捐), needs taken on (领办), the venue board and the session report."""
