-- 0010 members: the national member fields (issue 8: 证件类型 and the 20-digit 残疾人证, 人编号,
-- 政治面貌, 残疾类别, 基本医疗保险 and 基本养老保险 by scheme, 商业补充医疗保险, 医疗救助,
-- 乡村公益性岗位 with months, 失辍学原因, 务工地点), and yes/no answers that may stay 未填 (null).
--
-- Old rows: every new field is null (未填), except 证件类型, which is 居民身份证 — every stored
-- number was checked as an 18-digit resident ID. health keeps its column: it now holds one or more
-- codes joined by commas ("chronic,disabled"), so a stored single code is a set of one.
--
-- basic_medical / pension (0/1) become medical_insurance / pension_insurance. A 1 says the member
-- was insured but not under which scheme (居民 or 职工), so it becomes 'insured' (shown
-- “已参加（类别未填）”), never a guessed scheme. A 0 becomes 'none' (未参加).
--
-- Caveat, kept on purpose: until now a blank yes/no answer was stored as 0, so an old 0 in
-- basic_medical, pension, serious_illness, dibao, tekun and soldier cannot be told from a real 否.
-- Those 0s are kept as 否 / 未参加 (nothing here can know better); only answers given from now on
-- can be 未填. The flag columns become nullable; SQLite cannot drop NOT NULL in place, so each is
-- renamed, re-added without it, copied and the old one dropped (no index, view or trigger uses them).

alter table members add column id_kind text not null default 'resident_id';
alter table members add column person_no text;
alter table members add column political_status text;
alter table members add column dropout_reason text;
alter table members add column disability_category text;
alter table members add column migrant_place text;
alter table members add column public_job integer;
alter table members add column public_job_months integer;
alter table members add column medical_insurance text;
alter table members add column commercial_insurance integer;
alter table members add column medical_aid integer;
alter table members add column pension_insurance text;

update members set
    medical_insurance = case when basic_medical = 1 then 'insured' else 'none' end,
    pension_insurance = case when pension = 1 then 'insured' else 'none' end;
alter table members drop column basic_medical;
alter table members drop column pension;

alter table members rename column serious_illness to serious_illness_0010;
alter table members add column serious_illness integer;
update members set serious_illness = serious_illness_0010;
alter table members drop column serious_illness_0010;

alter table members rename column dibao to dibao_0010;
alter table members add column dibao integer;
update members set dibao = dibao_0010;
alter table members drop column dibao_0010;

alter table members rename column tekun to tekun_0010;
alter table members add column tekun integer;
update members set tekun = tekun_0010;
alter table members drop column tekun_0010;

alter table members rename column soldier to soldier_0010;
alter table members add column soldier integer;
update members set soldier = soldier_0010;
alter table members drop column soldier_0010;
