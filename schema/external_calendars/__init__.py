"""GraphQL for imported calendars: their listing and the administrators' mutations."""
