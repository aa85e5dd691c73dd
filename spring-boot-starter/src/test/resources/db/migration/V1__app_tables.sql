-- The host application's own first migration, run by Boot's Flyway before Warden's.
CREATE TABLE app_note (id INTEGER PRIMARY KEY, body VARCHAR(200) NOT NULL);
INSERT INTO app_note (id, body) VALUES (1, 'from the application''s V1');
