"""Image definitions and the offline base-image builder for the docker runner."""
