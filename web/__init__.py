"""The web application: server-rendered pages under ``/app`` for every user (sign-in, home,
supplier, buyer, provider, validator, PCC office), on the same FastAPI app and store as the API.
Pages parse, call one ``services`` use case and render a template; no page logic lives here."""
