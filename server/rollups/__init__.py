"""What is computed, not typed in: progress, health, money, risks and workload.

`loading` fetches the rows a whole-organisation computation needs, one SQL statement
per section; `graph` indexes them; the other modules are plain functions over those
rows; `engine.Rollups` memoises them for one request. Nothing here knows GraphQL.
"""
