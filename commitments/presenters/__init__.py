"""Page building and wording for the commitments pages, as plain values the templates render:
`promises` (the list, one commitment, one occasion, the rhythms, and the calm lines after
each change), `calendar` (the month and the follow-through trend), `feed` and `reminders`
(their settings pages). Views parse, call the services and render."""
