"""Editorial workflow and public portal: apps register what they can publish; a general
administrator approves immutable public snapshots; only those reach the public outputs."""
