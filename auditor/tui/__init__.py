"""The Textual TUI. Only this package imports textual; it renders the same ScanResult as every other
view and reuses the engine, scoring, reports and quiz; it re-derives nothing."""
