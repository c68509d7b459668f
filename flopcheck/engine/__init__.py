"""The verification engine: claim programs, the runner, the one judge, the misleading policy,
and the Report they produce."""
