-- No number: the version of this file is unknown.
CREATE TABLE unnumbered (id INTEGER PRIMARY KEY);
