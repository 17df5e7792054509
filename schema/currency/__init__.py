"""The reporting currency in GraphQL: converted figures, exchange rates and their
import, the organisation's reporting settings and the fiscal periods."""
