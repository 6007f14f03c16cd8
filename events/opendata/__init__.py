"""Open data: the published records in standard formats, as downloads and dated dumps."""
