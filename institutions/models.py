"""Childcare institutions (托育机构), their registrations pushed by the
registration authorities, and their filings (备案) with the Health Commission
under 国卫办人口发〔2019〕25号. Rules live in rules.py, validators.py and
services.py; these classes only describe the data."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from . import rules
from .querysets import (
    FilingChildQuerySet,
    FilingDocumentQuerySet,
    FilingQuerySet,
    HolidayDayQuerySet,
    HolidayYearQuerySet,
    InstitutionQuerySet,
    ReceiptCounterQuerySet,
    RegistrationQuerySet,
    RosterImportQuerySet,
)
from .validators import validate_credit_code


class ServiceType(models.TextChoices):
    FULL_DAY = "full_day", "全日托"
    HALF_DAY = "half_day", "半日托"
    HOURLY = "hourly", "计时托"
    TEMPORARY = "temporary", "临时托"


# Each service type is one boolean column (filterable on every database).
SERVICE_FIELDS = {
    ServiceType.FULL_DAY: "offers_full_day",
    ServiceType.HALF_DAY: "offers_half_day",
    ServiceType.HOURLY: "offers_hourly",
    ServiceType.TEMPORARY: "offers_temporary",
}


class ServiceOffer(models.Model):
    """What an institution offers: service types, 托位数, meals. Held by the
    institution (current) and by each filing (declared)."""

    offers_full_day = models.BooleanField("全日托", default=False)
    offers_half_day = models.BooleanField("半日托", default=False)
    offers_hourly = models.BooleanField("计时托", default=False)
    offers_temporary = models.BooleanField("临时托", default=False)
    capacity = models.PositiveIntegerField("托位数", default=0)
    serves_meals = models.BooleanField("提供膳食", default=False)

    class Meta:
        abstract = True

    @property
    def service_types(self) -> list[str]:
        return [code for code, field in SERVICE_FIELDS.items() if getattr(self, field)]

    @property
    def service_type_labels(self) -> list[str]:
        return [ServiceType(code).label for code in self.service_types]

    @property
    def service_types_text(self) -> str:
        return "、".join(self.service_type_labels) or "—"


class Institution(ServiceOffer):
    class Category(models.TextChoices):
        CENTRE = "centre", "托育机构"
        FAMILY = "family", "家庭托育点"

    class Nature(models.TextChoices):
        FOR_PROFIT = "for_profit", "营利性"
        NON_PROFIT = "non_profit", "非营利性"

    class LegalForm(models.TextChoices):
        PUBLIC_INSTITUTION = "public_institution", "事业单位"
        SOCIAL_ORGANISATION = "social_organisation", "社会组织"
        ENTERPRISE = "enterprise", "企业"

    class Status(models.TextChoices):
        REGISTERED = "registered", "已登记待备案"
        FILED = "filed", "已备案"
        CANCELLED = "cancelled", "已注销"

    name = models.CharField("机构名称", max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    nature = models.CharField("机构性质", max_length=16, choices=Nature.choices)
    legal_form = models.CharField("法人类型", max_length=24, choices=LegalForm.choices)
    registration_authority = models.ForeignKey(
        "agencies.Department", verbose_name="登记机关", on_delete=models.PROTECT,
        related_name="registered_institutions",
        limit_choices_to={"name__in": rules.REGISTRATION_AUTHORITIES},
    )
    street = models.ForeignKey(
        "agencies.Department", verbose_name="所属街道", on_delete=models.PROTECT,
        related_name="street_institutions", limit_choices_to={"kind": "street"},
    )
    address = models.CharField("地址", max_length=300)
    legal_representative = models.CharField("法定代表人/负责人", max_length=50, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    public_phone = models.CharField("对外咨询电话", max_length=30, blank=True)

    is_inclusive = models.BooleanField("普惠性", default=False)
    is_demonstration = models.BooleanField("示范性", default=False)
    demonstration_on = models.DateField("认定示范性日期", null=True, blank=True)
    is_employer_run = models.BooleanField("用人单位举办", default=False)
    is_kindergarten_class = models.BooleanField("幼儿园托班", default=False)
    is_community_point = models.BooleanField("社区托育点", default=False)

    # 《家庭托育点管理办法（试行）》(2023): its own category, filed like an institution, with
    # its own limits (institutions.family_rules).
    category = models.CharField("机构类别", max_length=16, choices=Category.choices, default=Category.CENTRE)
    # 普惠托育: designated by the Health Commission from a date, with the places and price it covers.
    inclusive_from = models.DateField("普惠认定日期", null=True, blank=True)
    inclusive_places = models.PositiveIntegerField("普惠托位数", null=True, blank=True)
    inclusive_price = models.DecimalField("普惠收费（元/月）", max_digits=9, decimal_places=2, null=True, blank=True)

    status = models.CharField("备案状态", max_length=16, choices=Status.choices, default=Status.REGISTERED)
    registered_on = models.DateField("登记日期")
    filed_on = models.DateField("首次备案日期", null=True, blank=True)
    cancelled_on = models.DateField("注销日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = "托育机构"
        verbose_name_plural = "托育机构"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["status", "street"]),
            models.Index(fields=["registration_authority", "registered_on"]),
        ]

    def __str__(self) -> str:
        return self.name


class RosterImport(models.Model):
    """One uploaded roster: kept (in the default storage, shared by every
    host) between the dry-run preview and the confirmed import."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "已预览"
        IMPORTED = "imported", "已导入"
        REJECTED = "rejected", "有错误未导入"

    file = models.FileField("文件", upload_to="rosters/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    row_count = models.PositiveIntegerField("行数", default=0)
    error_count = models.PositiveIntegerField("错误行数", default=0)
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)

    objects = RosterImportQuerySet.as_manager()

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"


class Registration(models.Model):
    """A registration recorded by its authority (区委编办/区民政局/区市场监管局)
    and pushed to the Health Commission: the record that a filing is expected.
    The coordinator's queue lists those whose institution is not filed yet."""

    class Source(models.TextChoices):
        FORM = "form", "在线登记"
        IMPORT = "import", "名册导入"

    institution = models.ForeignKey(
        Institution, verbose_name="托育机构", on_delete=models.PROTECT, related_name="registrations"
    )
    authority = models.ForeignKey(
        "agencies.Department", verbose_name="登记机关", on_delete=models.PROTECT, related_name="registrations"
    )
    registered_on = models.DateField("登记日期")
    source = models.CharField("登记方式", max_length=16, choices=Source.choices, default=Source.FORM)
    roster_import = models.ForeignKey(
        RosterImport, verbose_name="名册导入", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    pushed_at = models.DateTimeField("推送卫健委时间")

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = "登记推送"
        verbose_name_plural = "登记推送"
        ordering = ["-pushed_at", "-id"]
        indexes = [models.Index(fields=["authority", "-pushed_at"])]

    def __str__(self) -> str:
        return f"{self.institution.name}（{self.authority.name}登记）"


OPEN_FILING_STATES = ("draft", "submitted", "returned")


class Filing(ServiceOffer):
    """A filing (备案) of one institution: new, change or cancellation.

    draft → submitted → returned (补正, reasons per item) → submitted → filed
    (回执 number) or noncompliant (a reasoned notice, made public)."""

    class Kind(models.TextChoices):
        NEW = "new", "新设备案"
        CHANGE = "change", "变更备案"
        CANCEL = "cancel", "注销备案"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交待审核"
        RETURNED = "returned", "退回补正"
        FILED = "filed", "已备案"
        NONCOMPLIANT = "noncompliant", "不符合备案要求"

    class Premises(models.TextChoices):
        OWNED = "owned", "自有"
        LEASED = "leased", "租赁"

    institution = models.ForeignKey(
        Institution, verbose_name="托育机构", on_delete=models.PROTECT, related_name="filings"
    )
    kind = models.CharField("备案类型", max_length=16, choices=Kind.choices, default=Kind.NEW)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)

    # 备案书 (declared)
    principal_name = models.CharField("机构负责人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    public_phone = models.CharField("对外咨询电话", max_length=30, blank=True)
    address = models.CharField("服务场所地址", max_length=300, blank=True)
    premises_ownership = models.CharField(
        "场地性质", max_length=16, choices=Premises.choices, blank=True
    )
    premises_area = models.DecimalField("建筑面积（平方米）", max_digits=9, decimal_places=2, null=True, blank=True)
    lease_years = models.PositiveSmallIntegerField("租赁期限（年）", null=True, blank=True)
    staff_count = models.PositiveSmallIntegerField("工作人员总数", null=True, blank=True)
    change_summary = models.TextField("变更事项", blank=True)
    cancel_reason = models.TextField("注销原因", blank=True)
    service_end_on = models.DateField("终止服务日期", null=True, blank=True)
    placement_note = models.TextField("在托婴幼儿安置情况", blank=True)
    commitment_accepted = models.BooleanField("已签署备案承诺书", default=False)
    commitment_accepted_at = models.DateTimeField("承诺书签署时间", null=True, blank=True)

    # workflow
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    first_submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    submitted_at = models.DateTimeField("最近提交时间", null=True, blank=True)
    submission_count = models.PositiveSmallIntegerField("提交次数", default=0)
    receipt_due_on = models.DateField("回执期限", null=True, blank=True)
    notice_due_on = models.DateField("告知期限", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    filed_on = models.DateField("备案日期", null=True, blank=True)
    receipt_year = models.PositiveSmallIntegerField("回执年度", null=True, blank=True)
    receipt_seq = models.PositiveIntegerField("回执序号", null=True, blank=True)
    receipt_number = models.CharField("备案回执编号", max_length=40, null=True, blank=True, unique=True)
    noncompliance_reason = models.TextField("不符合备案要求的理由", blank=True)

    objects = FilingQuerySet.as_manager()

    class Meta:
        verbose_name = "备案"
        verbose_name_plural = "备案"
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one filing of an institution is being prepared or reviewed.
            models.UniqueConstraint(
                fields=["institution"], condition=Q(status__in=OPEN_FILING_STATES),
                name="filing_one_open_per_institution",
            ),
            models.UniqueConstraint(fields=["receipt_year", "receipt_seq"], name="filing_receipt_unique_seq"),
        ]
        indexes = [models.Index(fields=["status", "receipt_due_on"])]

    def __str__(self) -> str:
        return f"{self.institution.name} · {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_FILING_STATES

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class FilingClass(models.Model):
    """One class declared in the 备案书 (班级设置)."""

    class Kind(models.TextChoices):
        INFANT = "infant", "乳儿班（6–12个月）"
        TODDLER = "toddler", "托小班（12–24个月）"
        PRESCHOOL = "preschool", "托大班（24–36个月）"
        MIXED = "mixed", "混合班（18个月以上）"

    filing = models.ForeignKey(Filing, verbose_name="备案", on_delete=models.CASCADE, related_name="classes")
    kind = models.CharField("班级类型", max_length=16, choices=Kind.choices)
    children = models.PositiveSmallIntegerField("婴幼儿人数")
    caregivers = models.PositiveSmallIntegerField("保育人员数")
    position = models.PositiveSmallIntegerField("排序", default=0)

    objects = FilingChildQuerySet.as_manager()

    class Meta:
        verbose_name = "班级设置"
        verbose_name_plural = "班级设置"
        ordering = ["filing", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.children}人/保育{self.caregivers}人"


class DocumentKind(models.TextChoices):
    LICENSE = rules.DOC_LICENSE, "营业执照/法人登记证书"
    PREMISES = rules.DOC_PREMISES, "场地证明"
    STAFF = rules.DOC_STAFF, "工作人员专业资格证明及健康合格证明"
    HYGIENE = rules.DOC_HYGIENE, "托育机构卫生评价报告"
    FIRE = rules.DOC_FIRE, "消防安全检查合格证明"
    FOOD = rules.DOC_FOOD, "食品经营许可证"
    OTHER = rules.DOC_OTHER, "其他材料"


def _generated_name(instance, filename: str) -> str:
    # The service names the file (core.uploads.generated_name: a random name
    # under filings/YYYY/MM/); the user's file name is kept only as metadata.
    return filename


class FilingDocument(models.Model):
    filing = models.ForeignKey(Filing, verbose_name="备案", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("材料类型", max_length=16, choices=DocumentKind.choices)
    file = models.FileField("文件", upload_to=_generated_name, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = FilingDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "备案材料"
        verbose_name_plural = "备案材料"
        ordering = ["filing", "kind", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.original_name}"


class CorrectionItem(models.TextChoices):
    """What a 补正 reason can point at: a part of the 备案书 or one material."""

    BASIC = "basic", "备案书基本信息"
    CLASSES = "classes", "班级设置"
    COMMITMENT = "commitment", "备案承诺书"
    LICENSE = rules.DOC_LICENSE, "营业执照/法人登记证书"
    PREMISES = rules.DOC_PREMISES, "场地证明"
    STAFF = rules.DOC_STAFF, "工作人员专业资格证明及健康合格证明"
    HYGIENE = rules.DOC_HYGIENE, "托育机构卫生评价报告"
    FIRE = rules.DOC_FIRE, "消防安全检查合格证明"
    FOOD = rules.DOC_FOOD, "食品经营许可证"
    OTHER = rules.DOC_OTHER, "其他"


class FilingCorrection(models.Model):
    """One reason of a return for correction (补正), per item, per round."""

    filing = models.ForeignKey(Filing, verbose_name="备案", on_delete=models.CASCADE, related_name="corrections")
    round = models.PositiveSmallIntegerField("补正轮次")
    item = models.CharField("补正事项", max_length=16, choices=CorrectionItem.choices)
    reason = models.TextField("补正理由")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="退回人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("退回时间", auto_now_add=True)

    objects = FilingChildQuerySet.as_manager()

    class Meta:
        verbose_name = "补正意见"
        verbose_name_plural = "补正意见"
        ordering = ["filing", "-round", "id"]

    def __str__(self) -> str:
        return f"第{self.round}次补正 · {self.get_item_display()}"


class ReceiptCounter(models.Model):
    """The last receipt number issued in a year (渝中托备〔YYYY〕NNN号).
    Allocation locks this row, so concurrent approvals get distinct, gapless numbers."""

    year = models.PositiveSmallIntegerField("年度", primary_key=True)
    last_number = models.PositiveIntegerField("已用最大序号", default=0)

    objects = ReceiptCounterQuerySet.as_manager()

    class Meta:
        verbose_name = "回执编号计数"
        verbose_name_plural = "回执编号计数"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年：{self.last_number}"


class HolidayDay(models.Model):
    """One exceptional day of the district's working-day calendar: a day off
    (放假, whatever the weekday) or a make-up working day (调休上班). Every
    other day is a working day exactly when it is Monday–Friday. Seeded from
    the holiday library for the years it knows, loaded each year from the State
    Council's arrangement (`manage.py load_holidays`), edited by coordinators."""

    class Kind(models.TextChoices):
        OFF = "off", "放假"
        WORK = "work", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.OFF)
    name = models.CharField("节日/说明", max_length=100, blank=True)

    objects = HolidayDayQuerySet.as_manager()

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}{f'（{self.name}）' if self.name else ''}"

    @property
    def is_workday(self) -> bool:
        return self.kind == self.Kind.WORK


class HolidayYear(models.Model):
    """A year whose holiday arrangement is in HolidayDay: deadlines counted in
    a year without this row are Monday–Friday and marked 待复核."""

    class Source(models.TextChoices):
        LIBRARY = "library", "库"
        FILE = "file", "文件"
        MANUAL = "manual", "手工"

    year = models.PositiveSmallIntegerField("年度", primary_key=True)
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.MANUAL)
    loaded_at = models.DateTimeField("导入时间")
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    objects = HolidayYearQuerySet.as_manager()

    class Meta:
        verbose_name = "节假日安排年度"
        verbose_name_plural = "节假日安排年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年（{self.get_source_display()}）"


# Monthly enrolment and quality assessment live in modules of their own (one job each);
# imported here so Django finds them as this app's models.
from .models_enrolment import EnrolmentReport  # noqa: E402,F401
from .models_quality import (  # noqa: E402,F401
    Assessment,
    AssessmentScore,
    QualityDimension,
    QualityGrade,
    QualityItem,
    QualityStandard,
)
