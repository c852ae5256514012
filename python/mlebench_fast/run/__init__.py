"""Running agents in Docker containers: images, agents, the sealed validation server, the
harness and run groups. Nothing here is imported by `import mlebench_fast` (the validator
image has no Docker SDK)."""
