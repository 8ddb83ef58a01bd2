-- Numbered 3 but follows 1: there is no 0002 in this set.
CREATE TABLE after_gap (id INTEGER PRIMARY KEY);
