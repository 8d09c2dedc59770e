"""Page building and wording for the agreement pages, as plain values the templates render:
`agreements` (an agreement, its versions, the list and the history) and `review` (the
monthly review's items and its side-by-side results). Views parse, call and render."""
