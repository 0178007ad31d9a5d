-- How a browser plays a camera: an HLS playlist (hls.js) or a WHEP endpoint of a go2rtc/MediaMTX server. A
-- stream_url without a kind (rtsp://...) is for NVRs, not browsers: the wall shows the latest snapshot instead.
ALTER TABLE camera ADD COLUMN stream_kind text CHECK (stream_kind IN ('hls', 'whep'));

-- Who took an alert off the wall, and when: acknowledging is a human decision and is accounted for.
ALTER TABLE camera_alert ADD COLUMN acknowledged_at timestamptz;
ALTER TABLE camera_alert ADD COLUMN acknowledged_by text;
