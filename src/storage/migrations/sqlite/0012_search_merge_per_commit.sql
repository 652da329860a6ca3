-- FTS5 merges contact_search's segments in chunks of 64 x (number of levels) pages, one chunk
-- per 64 leaf pages written: a group commit of a dozen single creates now and then paid a
-- 14 ms merge (bench/api POST p99). With automerge off, storage::IndexQueuedSearch asks for a
-- few pages of merging on every commit instead (FTS5 keeps a merge in progress between calls),
-- the same work spread evenly. crisismerge (16 segments on a level) stays as the backstop.
INSERT INTO contact_search (contact_search, rank) VALUES ('automerge', 0);
