/// The Manhole module: the embeddable listener and command shell. Filled by its own issue.
enum ManholeModule {}
