"""boai-verify: an independent verifier for the Boai transparency log.

It depends on nothing from the Boai server (no Django, no `boai` package): only the Python standard
library and `cryptography` (for Ed25519). Point it at a Boai site or at a directory written by
`boai ledger dump`, pin the log's public key, and it checks that the signed checkpoint covers
exactly the leaves served, that the log only ever grew since the last checkpoint it saw, and that
the money and goods in the leaves follow the flow rules.
"""

__version__ = "1.0.0"
