"""Page building and wording for the check-in pages, as plain values the templates render:
`day` (one day's check-in and the history), `reflect` (prompts and answers), `journal` and
`trends` (the weeks in lines and words). Views parse, call and render."""
