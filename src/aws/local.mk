# src/aws: SigV4, HTTP transport, protocols, credentials and API clients.
