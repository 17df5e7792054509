"""The product's record of what happened: a catalogue of event types, derived from
every recorded change inside the write's own transaction, plus the computed risks
raised and cleared. Webhooks deliver these events; nothing here knows about them."""
