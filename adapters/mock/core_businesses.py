"""The record kinds of the nine mock core businesses (see :mod:`adapters.mock.core_schema`).

Business ids are the ones procedure definitions name as ``core_system``
(:class:`adapters.exchange.CoreBusiness`). Every kind may also carry ``case_reference``,
the case's reference number in Madoguchi, so staff can trace a core record to its case.

Identifiers are demo formats: two letters for the kind and a sequence (``JT0000001``),
except the 介護保険 被保険者番号, which is 10 digits as on the real insurance card.
"""

from __future__ import annotations

from types import MappingProxyType

from adapters.exchange import CoreBusiness
from adapters.mock.core_schema import (
    BusinessSpec,
    FieldSpec,
    FieldType,
    KindSpec,
    choice,
    day,
    flag,
    integer,
    month,
    reference,
    resident,
    residents,
    text,
)

CASE_REFERENCE = text("case_reference", "窓口システムの整理番号", required=False)

CARE_LEVELS = (
    "要支援1",
    "要支援2",
    "要介護1",
    "要介護2",
    "要介護3",
    "要介護4",
    "要介護5",
    "非該当",
)
DAMAGE_GRADES = (
    "全壊",
    "大規模半壊",
    "中規模半壊",
    "半壊",
    "準半壊",
    "準半壊に至らない（一部損壊）",
)
CHILD_REARING_PAYMENT = ("全部支給", "一部支給", "全部停止")
PENSION_SCHEMES = ("厚生年金", "国民年金", "私立学校教職員共済")
"""Schemes of a recipient paid by the municipality (public servants are paid by their
employer, so their mutual-aid schemes end the entitlement here)."""
ENTITLEMENT_END_REASONS = (
    "市外への転出",
    "公務員となった",
    "児童を監護しなくなった",
    "児童の施設入所・里親委託",
    "受給者の変更",
    "その他",
)
CARE_REASONS = (
    "就労",
    "妊娠・出産",
    "疾病・負傷",
    "障害",
    "親族の介護・看護",
    "災害の復旧",
    "求職活動",
    "就学",
    "虐待・DVのおそれ",
    "育児休業中の継続利用",
)
"""保育を必要とする事由 (子ども・子育て支援法施行規則 1条の5)."""


def optional_reference(name: str, label_ja: str, refers_to: str) -> FieldSpec:
    """A reference that may be absent; when present it must name an existing record."""
    return FieldSpec(name, FieldType.REFERENCE, label_ja, required=False, refers_to=refers_to)


def optional_residents(name: str, label_ja: str) -> FieldSpec:
    """A list of resident numbers that may be absent (not empty when present)."""
    return FieldSpec(name, FieldType.RESIDENT_NUMBERS, label_ja, required=False)


def recipient_link(label_ja: str = "受給者の宛名番号") -> tuple[FieldSpec, FieldSpec]:
    """What ties a follow-up record to the recipient: the 受給者番号, which must exist, and
    the recipient's 宛名番号, which must be the one of that recipient record."""
    return (
        reference("recipient_number", "受給者番号", "recipient"),
        resident("resident_number", label_ja),
    )


def _kind(
    name: str,
    title_ja: str,
    id_field: str,
    id_label_ja: str,
    id_format: str,
    *fields: FieldSpec,
    id_start: int = 1,
    ordered: tuple[tuple[str, str], ...] = (),
) -> KindSpec:
    return KindSpec(
        name,
        title_ja,
        id_field,
        id_label_ja,
        id_format,
        (*fields, CASE_REFERENCE),
        id_start,
        ordered,
    )


# Each kind's header (name, title, identifier) stays on one line so the tables read like
# the data they are; "fmt: skip" keeps the formatter from splitting it argument by argument.

JIDOU_TEATE = BusinessSpec(
    CoreBusiness.CHILD_ALLOWANCE.value,
    "児童手当",
    (
        _kind(
            "recipient", "受給者（認定）", "recipient_number", "受給者番号", "JT{n:07d}",
            resident("resident_number", "請求者の宛名番号"),
            residents("children", "支給対象児童の宛名番号"),
            integer("monthly_amount", "月額（円）"),
            month("payment_start", "支給開始月"),
            day("decided_on", "認定日"),
            flag("public_funds_account", "公金受取口座の利用", required=False),
        ),
        # 額改定 (法9条): an increase is claimed, a decrease notified; the amount is the new
        # total over every paid child, from the month of the revision.
        _kind(
            "amount_revision", "額改定", "revision_number", "額改定番号", "JK{n:07d}",
            *recipient_link(),
            choice("revision_kind", "改定の種類", "増額", "減額"),
            residents("children", "改定後の支給対象児童の宛名番号"),
            integer("monthly_amount", "改定後の月額（円）"),
            month("revised_from", "改定月"),
            day("event_date", "改定事由の発生日"),
            day("decided_on", "改定日"),
            ordered=(("event_date", "decided_on"),),
        ),
        # 氏名・住所等変更届 (施行規則5条, 6条): which particulars changed, and when.
        _kind(
            "change_notice", "氏名・住所等変更届", "notice_number", "変更届受理番号", "JH{n:07d}",
            *recipient_link(),
            flag("name_changed", "氏名の変更"),
            flag("address_changed", "住所の変更（市内転居）"),
            flag("bank_changed", "振込先口座の変更"),
            flag("spouse_changed", "配偶者の変更"),
            flag("pension_changed", "加入年金の変更"),
            flag("child_address_changed", "別居児童の住所の変更"),
            choice("new_pension_scheme", "変更後の年金", *PENSION_SCHEMES, required=False),
            flag("public_funds_account", "公金受取口座の利用", required=False),
            day("changed_on", "変更日"),
            day("received_on", "受理日"),
            ordered=(("changed_on", "received_on"),),
        ),
        # 受給事由消滅届 (施行規則7条): paid up to the month of the event (法8条2項).
        _kind(
            "entitlement_end", "受給事由消滅", "end_number", "消滅届受理番号", "JS{n:07d}",
            *recipient_link(),
            choice("reason", "消滅の事由", *ENTITLEMENT_END_REASONS),
            day("event_date", "事由の発生日（転出予定日など）"),
            month("last_paid_month", "最終支給月"),
            day("received_on", "受理日"),
        ),
        # 未支払の児童手当 (法12条): the deceased recipient's record, claimed by the person
        # who now brings up the children.
        _kind(
            "unpaid_claim", "未支払児童手当の支給", "unpaid_number", "未支払請求番号", "JM{n:07d}",
            *recipient_link("亡くなった受給者の宛名番号"),
            resident("claimant_resident_number", "請求者の宛名番号"),
            residents("children", "請求者が監護する児童の宛名番号"),
            day("date_of_death", "受給者の死亡日"),
            integer("unpaid_amount", "未支払の額（円）", minimum=1),
            text("unpaid_months", "未支払の対象月"),
            day("payment_date", "支払予定日"),
            day("decided_on", "支給決定日"),
            ordered=(("date_of_death", "decided_on"),),
        ),
        # 寄附の申出 (法20条): the municipality receives the donated part on the recipient's
        # behalf from the payment month given.
        _kind(
            "donation", "寄附の申出", "donation_number", "寄附番号", "JD{n:07d}",
            *recipient_link(),
            choice("scope", "寄附する額", "各支払月の全額", "各支払月の一部"),
            integer("amount_per_payment", "各支払月の寄附額（円）", required=False, minimum=1),
            month("first_payment_month", "寄附を始める支払月"),
            day("received_on", "受理日"),
        ),
        _kind(
            "donation_change", "寄附の変更・撤回", "donation_change_number", "寄附変更番号",
            "JE{n:07d}",
            *recipient_link(),
            reference("donation_number", "寄附番号", "donation"),
            choice("change_kind", "申出の内容", "額の変更", "撤回"),
            choice("scope", "変更後の寄附の額", "各支払月の全額", "各支払月の一部",
                   required=False),
            integer("amount_per_payment", "変更後の各支払月の寄附額（円）", required=False,
                    minimum=1),
            month("from_payment_month", "変更・撤回する支払月"),
            day("received_on", "受理日"),
        ),
        # 学校給食費等の徴収 (法21条): fees for children up to lower-secondary school paid
        # from the allowance at the recipient's request.
        _kind(
            "fee_collection", "学校給食費等の徴収", "collection_number", "徴収番号", "JC{n:07d}",
            *recipient_link(),
            residents("children", "費用を徴収する児童の宛名番号"),
            flag("school_lunch", "学校給食費"),
            flag("school_supplies", "学用品費等"),
            flag("nursery_fee", "保育料"),
            flag("after_school", "放課後児童クラブ利用料"),
            choice("scope", "徴収する額", "費用の全額", "各支払月の定額"),
            integer("amount_per_payment", "各支払月に充てる額（円）", required=False, minimum=1),
            month("first_payment_month", "徴収を始める支払月"),
            day("received_on", "受理日"),
        ),
        _kind(
            "fee_collection_change", "学校給食費等の徴収の変更・中止",
            "collection_change_number", "徴収変更番号", "JF{n:07d}",
            *recipient_link(),
            reference("collection_number", "徴収番号", "fee_collection"),
            choice("change_kind", "申出の内容", "変更", "中止"),
            optional_residents("children", "変更後に費用を徴収する児童の宛名番号"),
            flag("school_lunch", "学校給食費", required=False),
            flag("school_supplies", "学用品費等", required=False),
            flag("nursery_fee", "保育料", required=False),
            flag("after_school", "放課後児童クラブ利用料", required=False),
            choice("scope", "徴収する額", "費用の全額", "各支払月の定額", required=False),
            integer("amount_per_payment", "各支払月に充てる額（円）", required=False, minimum=1),
            month("from_payment_month", "変更・中止する支払月"),
            day("received_on", "受理日"),
        ),
        # 現況届 (施行規則4条): since 2022 only from recipients the registers cannot check.
        _kind(
            "status_report", "現況届", "report_number", "現況届受付番号", "JG{n:07d}",
            *recipient_link(),
            integer("report_year", "年度", minimum=2000, maximum=2100),
            residents("children", "監護している児童の宛名番号"),
            flag("lives_at_registered_address", "住民票の住所に居住"),
            choice("pension_scheme", "6月1日の加入年金", *PENSION_SCHEMES),
            day("received_on", "受理日"),
            day("checked_on", "確認日"),
            ordered=(("received_on", "checked_on"),),
        ),
    ),
)  # fmt: skip

KODOMO_KOSODATE = BusinessSpec(
    CoreBusiness.CHILDCARE.value,
    "子ども・子育て支援",
    (
        _kind(
            "certification", "教育・保育給付認定", "certification_number", "認定番号",
            "KK{n:07d}",
            resident("resident_number", "子どもの宛名番号"),
            resident("guardian_resident_number", "保護者の宛名番号"),
            choice("certification_class", "認定区分", "1号", "2号", "3号"),
            choice("care_hours", "保育必要量", "保育標準時間", "保育短時間", required=False),
            day("valid_from", "認定期間の開始日"),
            day("valid_until", "認定期間の終了日"),
            day("decided_on", "認定日"),
            ordered=(("valid_from", "valid_until"),),
        ),
        _kind(
            "allocation", "利用調整結果", "allocation_number", "利用調整番号", "KR{n:07d}",
            reference("certification_number", "認定番号", "certification"),
            resident("resident_number", "子どもの宛名番号"),
            choice("result", "利用調整の結果", "内定", "保留"),
            text("facility", "内定した施設", required=False),
            month("start_month", "利用開始希望月"),
            day("decided_on", "決定日"),
        ),
        # 保育の現況届: the yearly check that the need for care still holds, against the
        # child's certification.
        _kind(
            "status_report", "現況届", "report_number", "現況届受付番号", "KG{n:07d}",
            reference("certification_number", "認定番号", "certification"),
            resident("resident_number", "子どもの宛名番号"),
            resident("guardian_resident_number", "保護者の宛名番号"),
            integer("report_year", "年度", minimum=2000, maximum=2100),
            text("facility", "利用している施設"),
            choice("guardian_reason", "保護者の保育を必要とする事由", *CARE_REASONS),
            integer("guardian_hours_per_month", "保護者の月の就労時間", required=False,
                    maximum=400),
            flag("situation_changed", "事由・就労状況の変更"),
            day("received_on", "受理日"),
            day("checked_on", "確認日"),
            ordered=(("received_on", "checked_on"),),
        ),
    ),
)  # fmt: skip

JIDOU_FUYOU_TEATE = BusinessSpec(
    CoreBusiness.CHILD_REARING_ALLOWANCE.value,
    "児童扶養手当",
    (
        _kind(
            "recipient", "受給者", "certificate_number", "証書番号", "FT{n:07d}",
            resident("resident_number", "受給者の宛名番号"),
            residents("children", "対象児童の宛名番号"),
            choice("payment_category", "支給区分", *CHILD_REARING_PAYMENT),
            integer("monthly_amount", "月額（円）", required=False),
            day("decided_on", "認定日"),
        ),
        _kind(
            "status_report", "現況届", "report_number", "現況届受付番号", "FG{n:07d}",
            reference("certificate_number", "証書番号", "recipient"),
            resident("resident_number", "受給者の宛名番号"),
            integer("report_year", "年度", minimum=2000, maximum=2100),
            choice("payment_category", "支給区分", *CHILD_REARING_PAYMENT),
            day("received_on", "受理日"),
        ),
    ),
)  # fmt: skip

KENKOU_KANRI = BusinessSpec(
    CoreBusiness.MATERNAL_HEALTH.value,
    "健康管理（母子保健）",
    (
        _kind(
            "pregnancy", "妊娠届出", "registration_number", "妊娠届出番号", "NT{n:07d}",
            resident("resident_number", "妊婦の宛名番号"),
            integer("weeks", "妊娠週数", maximum=45),
            day("due_date", "出産予定日", required=False),
            text("diagnosed_by", "診断した医師・助産師", required=False),
            day("notified_on", "届出日"),
        ),
        _kind(
            "handbook", "母子健康手帳交付", "handbook_number", "母子健康手帳番号", "BT{n:07d}",
            reference("registration_number", "妊娠届出番号", "pregnancy"),
            resident("resident_number", "妊婦の宛名番号"),
            text("interviewed_by", "面談した保健師・助産師", required=False),
            day("issued_on", "交付日"),
        ),
        _kind(
            "support_payment", "妊婦のための支援給付", "payment_number", "支給番号", "NS{n:07d}",
            resident("resident_number", "妊婦の宛名番号"),
            choice("part", "給付の回", "1回目", "2回目"),
            integer("fetus_count", "胎児の数", required=False, maximum=10),
            integer("amount", "支給額（円）"),
            day("decided_on", "支給決定日"),
        ),
    ),
)  # fmt: skip

KAIGO_HOKEN = BusinessSpec(
    CoreBusiness.CARE_INSURANCE.value,
    "介護保険",
    (
        _kind(
            "insured", "被保険者", "insured_number", "被保険者番号", "{n:010d}",
            resident("resident_number", "被保険者の宛名番号"),
            choice("category", "被保険者区分", "第1号被保険者", "第2号被保険者"),
            day("qualified_on", "資格取得日"),
            id_start=5_000_000_001,
        ),
        _kind(
            "certification", "要介護・要支援認定", "certification_number", "認定番号",
            "KN{n:07d}",
            reference("insured_number", "被保険者番号", "insured"),
            resident("resident_number", "被保険者の宛名番号"),
            choice("application_kind", "申請区分", "新規", "更新", "区分変更", "転入"),
            choice("care_level", "要介護状態区分", *CARE_LEVELS),
            day("applied_on", "申請日"),
            day("valid_from", "有効期間の開始日", required=False),
            day("valid_until", "有効期間の終了日", required=False),
            day("decided_on", "認定日"),
            ordered=(("applied_on", "decided_on"), ("valid_from", "valid_until")),
        ),
        _kind(
            "benefit", "給付", "benefit_number", "支給番号", "KB{n:07d}",
            reference("insured_number", "被保険者番号", "insured"),
            resident("resident_number", "被保険者の宛名番号"),
            choice(
                "benefit_type", "給付の種類",
                "高額介護サービス費", "福祉用具購入費", "住宅改修費", "負担限度額認定",
            ),
            integer("amount", "支給額（円）", required=False),
            day("decided_on", "決定日"),
        ),
    ),
)  # fmt: skip

ZEIMU = BusinessSpec(
    CoreBusiness.RESIDENT_TAX.value,
    "税務（個人住民税の所得・課税状況）",
    (
        _kind(
            "income_status", "所得・課税状況", "status_number", "課税状況番号", "ZM{n:07d}",
            resident("resident_number", "宛名番号"),
            integer("fiscal_year", "課税年度", minimum=2000, maximum=2100),
            integer("income_year", "所得の年", minimum=2000, maximum=2100),
            choice("tax_status", "課税区分", "課税", "非課税", "未申告"),
            integer("total_income", "合計所得金額（円）", required=False),
            integer("income_levy", "所得割額（円）", required=False),
            integer("per_capita_levy", "均等割額（円）", required=False),
        ),
    ),
    read_only=True,
)  # fmt: skip

HISAISHA_SHIEN = BusinessSpec(
    CoreBusiness.DISASTER_SUPPORT.value,
    "被災者支援",
    (
        _kind(
            "dwelling", "被災住家", "dwelling_number", "住家番号", "HJ{n:07d}",
            text("disaster_name", "災害名"),
            day("disaster_date", "発災日"),
            text("address", "住家の所在地"),
            resident("owner_resident_number", "所有者の宛名番号", required=False),
            choice("structure", "構造", "木造", "非木造", required=False),
        ),
        _kind(
            "survey", "被害認定調査", "survey_number", "調査番号", "HC{n:07d}",
            reference("dwelling_number", "住家番号", "dwelling"),
            choice("survey_type", "調査の種類", "第1次調査", "第2次調査", "自己判定", "一括判定"),
            choice("damage_grade", "被害の程度", *DAMAGE_GRADES),
            integer("loss_ratio", "損害割合（％）", required=False, maximum=100),
            day("surveyed_on", "調査日"),
        ),
        _kind(
            "certificate", "罹災証明書", "certificate_number", "罹災証明書番号", "HS{n:07d}",
            reference("dwelling_number", "住家番号", "dwelling"),
            resident("resident_number", "申請者の宛名番号"),
            choice("damage_grade", "被害の程度", *DAMAGE_GRADES),
            day("issued_on", "交付日"),
        ),
    ),
)  # fmt: skip

TODOUFUKEN_ZEI = BusinessSpec(
    CoreBusiness.PREFECTURAL_CAR_TAX.value,
    "都道府県税（自動車税）",
    (
        _kind(
            "car_tax", "自動車税種別割", "taxation_number", "課税番号", "TZ{n:07d}",
            text("owner_name", "所有者の氏名・名称"),
            resident("resident_number", "所有者の宛名番号", required=False),
            text("registration_plate", "自動車登録番号"),
            text("chassis_number", "車台番号"),
            integer("displacement_cc", "総排気量（cc）"),
            month("first_registered", "初度登録年月"),
            integer("annual_amount", "年税額（円）"),
            day("decided_on", "賦課決定日"),
        ),
        _kind(
            "acquisition_tax", "自動車税環境性能割", "filing_number", "申告番号", "TK{n:07d}",
            text("owner_name", "取得者の氏名・名称"),
            resident("resident_number", "取得者の宛名番号", required=False),
            text("chassis_number", "車台番号"),
            integer("acquisition_price", "取得価額（円）"),
            integer("rate_tenths_percent", "税率（0.1％単位）", maximum=30),
            integer("tax_amount", "税額（円）"),
            day("filed_on", "申告日"),
        ),
        _kind(
            "address_change", "自動車税住所変更", "notice_number", "届出番号", "TJ{n:07d}",
            reference("taxation_number", "課税番号", "car_tax"),
            text("new_address", "新しい住所"),
            day("changed_on", "変更日"),
        ),
    ),
)  # fmt: skip

KEISATSU = BusinessSpec(
    CoreBusiness.POLICE_PARKING.value,
    "警察（自動車保管場所証明）",
    (
        _kind(
            "parking_certificate", "自動車保管場所証明書", "certificate_number", "証明書番号",
            "KS{n:07d}",
            text("applicant_name", "申請者の氏名・名称"),
            resident("resident_number", "申請者の宛名番号", required=False),
            text("vehicle_name", "車名"),
            text("chassis_number", "車台番号"),
            text("base_address", "使用の本拠の位置"),
            text("parking_address", "保管場所の位置"),
            integer("distance_m", "使用の本拠からの距離（m）", maximum=2000),
            text("oss_receipt_number", "OSS受付番号", required=False),
            day("issued_on", "交付日"),
            day("valid_until", "有効期限"),
            ordered=(("issued_on", "valid_until"),),
        ),
    ),
)  # fmt: skip

BUSINESSES: MappingProxyType[str, BusinessSpec] = MappingProxyType(
    {
        spec.business: spec
        for spec in (
            JIDOU_TEATE,
            KODOMO_KOSODATE,
            JIDOU_FUYOU_TEATE,
            KENKOU_KANRI,
            KAIGO_HOKEN,
            ZEIMU,
            HISAISHA_SHIEN,
            TODOUFUKEN_ZEI,
            KEISATSU,
        )
    }
)
"""Every mock core business by its id."""
