/// The Inspector module: registry of live objects, bounded rendering, paths, completion, views. Filled by its own issue.
enum InspectorModule {}
