"""The contract's two file formats, and reading and writing them: instances, plans, PSPLIB, amounts."""
