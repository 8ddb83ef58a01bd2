-- A second migration numbered 2.
CREATE TABLE again (id INTEGER PRIMARY KEY);
