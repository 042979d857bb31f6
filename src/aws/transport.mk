# HTTP transport, retries, endpoints, protocols, errors, STS.
