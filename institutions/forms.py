"""Forms only parse and check input shape; rules live in services/rules."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.roles import RUNS_INSTITUTION
from agencies.models import Department

from . import rules
from .models import SERVICE_FIELDS, CorrectionItem, DocumentKind, Filing, FilingClass, Institution, ServiceType
from .validators import normalise_credit_code


def streets():
    return Department.objects.filter(kind=Department.Kind.STREET).order_by("position", "name")


class StreetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RegistrationForm(forms.Form):
    name = forms.CharField(label="机构名称", max_length=200)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=40,
                                  help_text="18位，由登记机关核发（字母不含I、O、Z、S、V）。")
    nature = forms.ChoiceField(label="机构性质", choices=Institution.Nature.choices)
    category = forms.ChoiceField(label="机构类别", choices=Institution.Category.choices, required=False,
                                 initial=Institution.Category.CENTRE,
                                 help_text="家庭托育点收托不超过5人，照护人员与婴幼儿之比不低于1:3。")
    legal_form = forms.ChoiceField(label="法人类型", choices=Institution.LegalForm.choices,
                                   help_text="事业单位由区委编办登记，社会组织由区民政局登记，营利性企业由区市场监管局登记。")
    registration_authority = forms.ModelChoiceField(
        label="登记机关", required=False, empty_label="按机构性质自动确定",
        queryset=Department.objects.filter(name__in=rules.REGISTRATION_AUTHORITIES),
    )
    street = StreetChoiceField(label="所属街道", queryset=Department.objects.none(), empty_label="请选择")
    address = forms.CharField(label="地址", max_length=300)
    registered_on = forms.DateField(label="登记日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                    help_text="留空为今天。")
    legal_representative = forms.CharField(label="法定代表人/负责人", max_length=50, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    public_phone = forms.CharField(label="对外咨询电话", max_length=30, required=False)
    # The roster import's bound too (resources.CapacityWidget); unbounded, a huge number reached the database (a 500).
    capacity = forms.IntegerField(label="托位数", min_value=0, max_value=100_000, initial=0)
    service_types = forms.MultipleChoiceField(label="服务类型", choices=ServiceType.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    serves_meals = forms.BooleanField(label="提供膳食", required=False)
    is_employer_run = forms.BooleanField(label="用人单位举办", required=False)
    is_kindergarten_class = forms.BooleanField(label="幼儿园托班", required=False)
    is_community_point = forms.BooleanField(label="社区托育点", required=False)

    def __init__(self, *args, fixed_authority: Department | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets()
        if fixed_authority is not None:
            # A registrar registers for its own authority only.
            self.fields["registration_authority"].queryset = Department.objects.filter(pk=fixed_authority.pk)
            self.fields["registration_authority"].initial = fixed_authority.pk
            self.fields["registration_authority"].empty_label = None

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data["credit_code"])

    def clean_category(self):
        return self.cleaned_data.get("category") or Institution.Category.CENTRE


class FilingForm(forms.ModelForm):
    """The 备案书 of one filing; which fields show depends on its kind."""

    commitment = forms.BooleanField(
        label="本机构已阅读并承诺遵守《托育机构备案承诺书》", required=False,
    )

    BASIC_FIELDS = [
        "principal_name", "contact_phone", "public_phone", "address", *SERVICE_FIELDS.values(), "capacity",
        "serves_meals", "premises_ownership", "premises_area", "lease_years", "staff_count",
    ]
    FIELDS_BY_KIND = {
        Filing.Kind.NEW: BASIC_FIELDS,
        Filing.Kind.CHANGE: ["change_summary", *BASIC_FIELDS],
        Filing.Kind.CANCEL: ["cancel_reason", "service_end_on", "placement_note"],
    }

    class Meta:
        model = Filing
        fields = [
            "principal_name", "contact_phone", "public_phone", "address", *SERVICE_FIELDS.values(), "capacity",
            "serves_meals", "premises_ownership", "premises_area", "lease_years", "staff_count", "change_summary",
            "cancel_reason", "service_end_on", "placement_note",
        ]
        widgets = {
            "service_end_on": forms.DateInput(attrs={"type": "date"}),
            "change_summary": forms.Textarea(attrs={"rows": 3}),
            "cancel_reason": forms.Textarea(attrs={"rows": 3}),
            "placement_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = self.FIELDS_BY_KIND[self.instance.kind]
        for name in list(self.fields):
            if name != "commitment" and name not in wanted:
                del self.fields[name]
        self.fields["commitment"].initial = self.instance.commitment_accepted
        if "premises_ownership" in self.fields:
            self.fields["premises_ownership"].choices = [("", "请选择")] + list(Filing.Premises.choices)

    def service_fields(self):
        return [self[name] for name in SERVICE_FIELDS.values() if name in self.fields]

    def other_fields(self):
        return [self[name] for name in self.fields if name not in SERVICE_FIELDS.values() and name != "commitment"]

    def filing_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "commitment"}

    def _post_clean(self):
        # Field shape only; the model's own rules are the service's business.
        pass


class FilingClassForm(forms.Form):
    kind = forms.ChoiceField(label="班级类型", choices=[("", "请选择"), *FilingClass.Kind.choices])
    children = forms.IntegerField(label="婴幼儿人数", min_value=1, max_value=200)
    caregivers = forms.IntegerField(label="保育人员数", min_value=0, max_value=100)


# absolute_max: a posted TOTAL_FORMS of 1,000 must not build (and render) 1,000 forms; 30 is the most there can be.
FilingClassFormSet = forms.formset_factory(
    FilingClassForm, extra=1, can_delete=True, max_num=30, validate_max=True, absolute_max=30
)


def classes_initial(filing: Filing) -> list[dict]:
    return [{"kind": c.kind, "children": c.children, "caregivers": c.caregivers} for c in filing.classes.all()]


def classes_from(formset) -> list[dict]:
    return [
        form.cleaned_data for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label="材料类型", choices=[("", "请选择")] + list(DocumentKind.choices))
    file = forms.FileField(label="文件", help_text="PDF、JPG 或 PNG，单个文件不超过 10 MB。",
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))


class ReturnForm(forms.Form):
    """One reason box per item of the filing; at least one must be filled."""

    def __init__(self, *args, filing: Filing, **kwargs):
        super().__init__(*args, **kwargs)
        items = [CorrectionItem.BASIC, CorrectionItem.CLASSES, CorrectionItem.COMMITMENT]
        if filing.kind == Filing.Kind.CANCEL:
            items = [CorrectionItem.BASIC, CorrectionItem.COMMITMENT]
        items += [CorrectionItem(k) for k in rules.required_documents(kind=filing.kind, serves_meals=True)]
        items.append(CorrectionItem.OTHER)
        for item in dict.fromkeys(items):
            self.fields[item.value] = forms.CharField(
                label=item.label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def clean(self):
        data = super().clean()
        if not any((v or "").strip() for v in data.values()):
            raise ValidationError("请至少填写一项补正理由。")
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label="不符合备案要求的理由", widget=forms.Textarea(attrs={"rows": 5}),
                             help_text="将书面告知机构，并在信息公示中向社会公开。")


class FlagsForm(forms.Form):
    is_inclusive = forms.BooleanField(label="普惠性", required=False)
    is_demonstration = forms.BooleanField(label="示范性", required=False)
    demonstration_on = forms.DateField(label="认定示范性日期", required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))


class OperatorLinkForm(forms.Form):
    user = forms.ModelChoiceField(label="机构账号", queryset=None, empty_label="请选择未绑定机构的账号")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(role__in=RUNS_INSTITUTION, institution__isnull=True, is_active=True)


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="名册文件", help_text="Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码），第一行为表头。",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


class InstitutionFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, widget=forms.TextInput(attrs={"placeholder": "名称、代码或地址"}))
    street = StreetChoiceField(label="所属街道", queryset=Department.objects.none(), required=False, empty_label="全部")
    status = forms.ChoiceField(label="备案状态", required=False, choices=[("", "全部"), *Institution.Status.choices])
    service_type = forms.ChoiceField(label="服务类型", required=False, choices=[("", "全部"), *ServiceType.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "", "street_id": data["street"].pk if data.get("street") else None,
            "status": data.get("status") or "", "service_type": data.get("service_type") or "",
        }


class DirectoryFilterForm(InstitutionFilterForm):
    q = forms.CharField(label="机构名称或地址", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["status"]

    def filters(self) -> dict:
        data = super().filters()
        data.pop("status", None)
        return data
