"""The kernel: the public record, the LLM-facing shapes, options and version. Imports nothing else of the package."""
