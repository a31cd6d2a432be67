-- 0010 members: the national member fields (issue 8: 证件类型 and the 20-digit 残疾人证, 人编号,
-- 政治面貌, 残疾类别, 基本医疗保险 and 基本养老保险 by scheme, 商业补充医疗保险, 医疗救助,
-- 乡村公益性岗位 with months, 失辍学原因, 务工地点), and yes/no answers that may stay 未填 (null).
--
-- Old rows: every new field is null (未填), except 证件类型, which is 居民身份证 — every stored
-- number was checked as an 18-digit resident ID. health keeps its column: it now holds one or more
-- codes joined by commas ("chronic,disabled"), so a stored single code is a set of one.
--
-- basic_medical / pension (true/false) become medical_insurance / pension_insurance. A true says
-- the member was insured but not under which scheme (居民 or 职工), so it becomes 'insured'
-- (shown “已参加（类别未填）”), never a guessed scheme. A false becomes 'none' (未参加).
--
-- Caveat, kept on purpose: until now a blank yes/no answer was stored as false, so an old false in
-- basic_medical, pension, serious_illness, dibao, tekun and soldier cannot be told from a real 否.
-- Those are kept as 否 / 未参加 (nothing here can know better); only answers given from now on
-- can be 未填. The flag columns become nullable.

alter table members
    add column id_kind text not null default 'resident_id',
    add column person_no text,
    add column political_status text,
    add column dropout_reason text,
    add column disability_category text,
    add column migrant_place text,
    add column public_job boolean,
    add column public_job_months integer,
    add column medical_insurance text,
    add column commercial_insurance boolean,
    add column medical_aid boolean,
    add column pension_insurance text;

update members set
    medical_insurance = case when basic_medical then 'insured' else 'none' end,
    pension_insurance = case when pension then 'insured' else 'none' end;

alter table members
    drop column basic_medical,
    drop column pension,
    alter column serious_illness drop not null,
    alter column serious_illness drop default,
    alter column dibao drop not null,
    alter column dibao drop default,
    alter column tekun drop not null,
    alter column tekun drop default,
    alter column soldier drop not null,
    alter column soldier drop default;
