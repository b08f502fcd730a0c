"""The versioned JSON API under /api/v1 (docs/api.md): routes, schemas, who may call what, problem details."""
