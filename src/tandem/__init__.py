"""Tandem: the working platform of a Community Safety Partnership."""
