"""Local stand-ins for the clouds, used by the tests, the benchmarks and ``auditor demo``.

- ``estate``: the estate file (YAML) describing a simulated estate, and its loader.
- ``moto_extensions``: operations moto lacks, added to moto at the wire (``install()``).
- ``aws_seed``: creates an estate's ``aws:`` part in moto with real boto3 write calls.
- ``moto_server``: moto on 127.0.0.1 in its own process, optionally seeded from an estate.
- ``arm_server``: the Azure Resource Manager emulator (HTTPS on 127.0.0.1, self-signed certificate,
  nextLink paging, ARM faults) and ``EmulatorCredential``, its fake token credential.
- ``estate_azure`` / ``azure_seed``: an estate's ``azure:`` part, and the ARM JSON seeded from it.

The bundled demo estate is ``estates/demo.yaml`` (``estate.bundled_estate("demo")``).
"""
