"""Access: who may sign in, what each one may see, and what they did.

Roles and the units a user may see (the scope every query gets), the local user store with its password
hashes and lock-out, the signed session tokens a browser cookie carries, and the audit log.
"""
