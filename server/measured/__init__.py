"""Key results measured from their aligned campaigns' entries instead of check-ins.

`source` says what a key result is measured by and checks what a client sends;
`measure` computes its value over its period from the rollups' rows, with the
campaigns, entries and gaps behind it and its history as one point per day; `moves`
finds the key results an entry moves. Nothing here reads SQL or knows GraphQL.
"""
