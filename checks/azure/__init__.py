"""Azure checks, one module per service: pure functions of an ``AzureInventory``."""
