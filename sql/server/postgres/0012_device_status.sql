-- Device status (issue 10): what each kiosk, display and caller bus last said about its parts
-- (printer paper_low / paper_out, reader, scanner, LED bars …), for the hall's supervisors.
-- One row per hall and device name, overwritten by each report: the latest state and when it
-- came. The first account that reports a name owns it (account_id); another is refused.
-- parts is the report's JSON array [{"part", "state", "message"}]; every_seconds is how often
-- the device says it reports, so a device silent for several of them counts as unreachable.

CREATE TABLE device_status (
    hall_id BIGINT NOT NULL,
    device TEXT NOT NULL,
    account_id BIGINT NOT NULL,
    login TEXT NOT NULL,
    role TEXT NOT NULL,
    parts TEXT NOT NULL,
    every_seconds BIGINT NOT NULL,
    observed_at BIGINT NOT NULL,
    reported_at BIGINT NOT NULL,
    PRIMARY KEY (hall_id, device)
);
