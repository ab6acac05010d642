"""The meetings pages, one module per part: schedule and agenda, minutes, exports and circulation."""
