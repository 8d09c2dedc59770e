"""Page building and wording for the conversation pages: what each screen says, in whose
name, as plain values the templates render. The views parse, call the services, and hand
these to the templates."""
