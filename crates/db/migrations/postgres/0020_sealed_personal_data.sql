-- 个人信息加密存储: ID numbers and phone numbers are kept sealed (AES-256-GCM, the key outside
-- the database); a member is found, and kept unique, by the keyed hash of the ID number.
-- Rows written before this version are sealed by the program when it next opens the register.
alter table members add column id_number_key text;
drop index members_active_id_number;
create unique index members_active_id_number on members(id_number_key) where left_on is null;
