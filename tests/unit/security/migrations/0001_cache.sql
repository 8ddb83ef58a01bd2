-- A cache table like the ones modules/sync keeps: personal fields are BLOBs sealed by
-- PersonalData, id_number_index is the blind index that finds a row by ID number.
CREATE TABLE visitor (
  id TEXT PRIMARY KEY,
  ticket TEXT NOT NULL,
  name BLOB,
  id_number BLOB,
  id_number_index BLOB,
  phone BLOB,
  address BLOB,
  photo BLOB
);
CREATE INDEX visitor_id_number_index ON visitor (id_number_index);
