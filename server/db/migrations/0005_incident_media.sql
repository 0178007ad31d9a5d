-- Photos and other evidence the reporter attached, as URLs (the files stay where the reporter's app put them).
ALTER TABLE incident ADD COLUMN media_urls jsonb NOT NULL DEFAULT '[]';
