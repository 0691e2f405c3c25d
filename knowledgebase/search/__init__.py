"""Site search as plain data: how text is read into words (:mod:`.words`), and the sharded index (:mod:`.index`)."""
