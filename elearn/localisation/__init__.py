"""Country variants: translation status, the side-by-side editor with history, export to files."""
