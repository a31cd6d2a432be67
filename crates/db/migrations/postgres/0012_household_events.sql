-- 注销: a household that left the register as a whole stays on record, marked with the date and
-- why (自然消亡 / 迁出 / 合户 / 其他). Its events (户主变更, 分户, 合户, 注销) are dated rows of
-- household_history, kinds 'head', 'split', 'split_from', 'merge', 'merged_into', 'deregister'.
alter table households add column deregistered_on date;
alter table households add column deregistered_reason text
    check (deregistered_reason in ('died', 'moved_out', 'merged', 'other'));
