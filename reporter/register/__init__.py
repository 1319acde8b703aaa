"""Reading the register: sniffing and guarding the file, values, the schema, the loader, the blank template."""
