"""Who may enter an app served beyond this machine: accounts per coder with salted scrypt hashes, sign-in with
rate limiting, every attempt kept. A library: the app and `qualkit user add` call it."""
from .accounts import (MAX_FAILURES, WINDOW, AuthError, RateLimited, account_names, add_account, has_accounts,
                       sign_in)
from .passwords import MIN_LENGTH, hash_password, verify_password

__all__ = ["MAX_FAILURES", "MIN_LENGTH", "WINDOW", "AuthError", "RateLimited", "account_names", "add_account",
           "has_accounts", "hash_password", "sign_in", "verify_password"]
