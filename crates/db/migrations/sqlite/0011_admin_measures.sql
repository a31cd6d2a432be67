-- Measure kinds realigned to the monitoring form's categories (DOMAIN §5): the codes kept
-- their meaning; 雨露计划 measures move to 其他教育（雨露计划）, 生态补偿 to 其他.
update measures set kind = 'other_education' where kind = 'education' and content like '%雨露计划%';
update measures set kind = 'other' where kind = 'ecological';

-- The audit log is read by area (a township reads its own rows only).
create index audit_log_area on audit_log(area_code);
