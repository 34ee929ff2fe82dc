"""The web pages' settings section (``DICM_WEB__*``): how long a session lasts, the cookie's
flags, how many wrong passwords an account gets before it must wait."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr


class WebSettings(BaseModel):
    """Sign-in and session knobs. A session ends after ``session_idle_s`` without a request
    (the cookie's signed timestamp), and ``session_max_s`` after sign-in whatever happens."""

    session_idle_s: int = Field(default=2 * 3600, gt=0, description="Idle time before sign-out")
    session_max_s: int = Field(default=12 * 3600, gt=0, description="Longest session, in s")
    #: the key that signs session cookies; unset: ``<data_dir>/session.key``, created once, so
    #: every worker of one deployment accepts the same cookies
    session_secret: SecretStr | None = Field(default=None, min_length=16)
    #: send the cookie over HTTPS only (set it behind TLS)
    cookie_secure: bool = False
    sign_in_attempts: int = Field(default=5, gt=0, description="Wrong passwords per window")
    sign_in_window_s: int = Field(default=300, gt=0, description="Window of the wrong passwords")
