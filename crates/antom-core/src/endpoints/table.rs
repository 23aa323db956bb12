//! The endpoint catalogue: every Antom API path the official SDKs know.
//!
//! Generated from `tests/vectors/data/endpoints.tsv` (the union of the Java, Python, Go, PHP
//! and .NET SDKs' paths) with their known defects fixed: repeated slashes collapsed and the
//! one path missing `/api` (`/ams/v1/aba/funds/createExchange`) corrected. Sorted by name.

use super::Endpoint;

/// Every endpoint, sorted by name.
pub(super) const ENDPOINTS: [Endpoint; 168] = [
    Endpoint {
        name: "aba.account.inquireAvailableQuota",
        group: "aba",
        path: "/ams/api/v1/aba/account/inquireAvailableQuota",
    },
    Endpoint {
        name: "aba.accounts.inquiryBalance",
        group: "aba",
        path: "/ams/api/v1/aba/accounts/inquiryBalance",
    },
    Endpoint {
        name: "aba.accounts.inquiryStatement",
        group: "aba",
        path: "/ams/api/v1/aba/accounts/inquiryStatement",
    },
    Endpoint {
        name: "aba.accounts.inquiryStatementDetail",
        group: "aba",
        path: "/ams/api/v1/aba/accounts/inquiryStatementDetail",
    },
    Endpoint {
        name: "aba.accounts.inquiryStatementList",
        group: "aba",
        path: "/ams/api/v1/aba/accounts/inquiryStatementList",
    },
    Endpoint {
        name: "aba.cards.applyCard",
        group: "aba",
        path: "/ams/api/v1/aba/cards/applyCard",
    },
    Endpoint {
        name: "aba.cards.inquireCard",
        group: "aba",
        path: "/ams/api/v1/aba/cards/inquireCard",
    },
    Endpoint {
        name: "aba.cards.inquireCardDetail",
        group: "aba",
        path: "/ams/api/v1/aba/cards/inquireCardDetail",
    },
    Endpoint {
        name: "aba.cards.inquireCardSensitiveInfo",
        group: "aba",
        path: "/ams/api/v1/aba/cards/inquireCardSensitiveInfo",
    },
    Endpoint {
        name: "aba.cards.inquireCardTransactionEvent",
        group: "aba",
        path: "/ams/api/v1/aba/cards/inquireCardTransactionEvent",
    },
    Endpoint {
        name: "aba.cards.inquireCardTransactionLifecycle",
        group: "aba",
        path: "/ams/api/v1/aba/cards/inquireCardTransactionLifecycle",
    },
    Endpoint {
        name: "aba.cards.inquireCardTransactionLifecycleDetail",
        group: "aba",
        path: "/ams/api/v1/aba/cards/inquireCardTransactionLifecycleDetail",
    },
    Endpoint {
        name: "aba.cards.updateCard",
        group: "aba",
        path: "/ams/api/v1/aba/cards/updateCard",
    },
    Endpoint {
        name: "aba.cards.updateCardStatus",
        group: "aba",
        path: "/ams/api/v1/aba/cards/updateCardStatus",
    },
    Endpoint {
        name: "aba.funds.createDirectPayment",
        group: "aba",
        path: "/ams/api/v1/aba/funds/createDirectPayment",
    },
    Endpoint {
        name: "aba.funds.createDirectRefund",
        group: "aba",
        path: "/ams/api/v1/aba/funds/createDirectRefund",
    },
    Endpoint {
        name: "aba.funds.createExchange",
        group: "aba",
        path: "/ams/api/v1/aba/funds/createExchange",
    },
    Endpoint {
        name: "aba.funds.createQuote",
        group: "aba",
        path: "/ams/api/v1/aba/funds/createQuote",
    },
    Endpoint {
        name: "aba.funds.inquireDirectPayment",
        group: "aba",
        path: "/ams/api/v1/aba/funds/inquireDirectPayment",
    },
    Endpoint {
        name: "aba.funds.inquireDirectRefund",
        group: "aba",
        path: "/ams/api/v1/aba/funds/inquireDirectRefund",
    },
    Endpoint {
        name: "aba.funds.inquireExchange",
        group: "aba",
        path: "/ams/api/v1/aba/funds/inquireExchange",
    },
    Endpoint {
        name: "aba.funds.inquireRate",
        group: "aba",
        path: "/ams/api/v1/aba/funds/inquireRate",
    },
    Endpoint {
        name: "accounts.inquireBalance",
        group: "accounts",
        path: "/ams/api/v1/accounts/inquireBalance",
    },
    Endpoint {
        name: "agenticPayment.createAuthenticationSession",
        group: "agenticPayment",
        path: "/ams/api/v1/agenticPayment/createAuthenticationSession",
    },
    Endpoint {
        name: "agenticPayment.createBindingSession",
        group: "agenticPayment",
        path: "/ams/api/v1/agenticPayment/createBindingSession",
    },
    Endpoint {
        name: "agenticPayment.inquireAccountInfo",
        group: "agenticPayment",
        path: "/ams/api/v1/agenticPayment/inquireAccountInfo",
    },
    Endpoint {
        name: "agenticPayment.inquirePaymentToken",
        group: "agenticPayment",
        path: "/ams/api/v1/agenticPayment/inquirePaymentToken",
    },
    Endpoint {
        name: "authorizations.applyToken",
        group: "authorizations",
        path: "/ams/api/v1/authorizations/applyToken",
    },
    Endpoint {
        name: "authorizations.consult",
        group: "authorizations",
        path: "/ams/api/v1/authorizations/consult",
    },
    Endpoint {
        name: "authorizations.query",
        group: "authorizations",
        path: "/ams/api/v1/authorizations/query",
    },
    Endpoint {
        name: "authorizations.revoke",
        group: "authorizations",
        path: "/ams/api/v1/authorizations/revoke",
    },
    Endpoint {
        name: "billing.coupon.create",
        group: "billing",
        path: "/ams/api/v1/billing/coupon/create",
    },
    Endpoint {
        name: "billing.coupon.inquireDetails",
        group: "billing",
        path: "/ams/api/v1/billing/coupon/inquireDetails",
    },
    Endpoint {
        name: "billing.coupon.inquireList",
        group: "billing",
        path: "/ams/api/v1/billing/coupon/inquireList",
    },
    Endpoint {
        name: "billing.coupon.update",
        group: "billing",
        path: "/ams/api/v1/billing/coupon/update",
    },
    Endpoint {
        name: "billing.creditNote.create",
        group: "billing",
        path: "/ams/api/v1/billing/creditNote/create",
    },
    Endpoint {
        name: "billing.creditNote.inquireDetails",
        group: "billing",
        path: "/ams/api/v1/billing/creditNote/inquireDetails",
    },
    Endpoint {
        name: "billing.creditNote.inquireList",
        group: "billing",
        path: "/ams/api/v1/billing/creditNote/inquireList",
    },
    Endpoint {
        name: "billing.creditNote.void",
        group: "billing",
        path: "/ams/api/v1/billing/creditNote/void",
    },
    Endpoint {
        name: "billing.customer.create",
        group: "billing",
        path: "/ams/api/v1/billing/customer/create",
    },
    Endpoint {
        name: "billing.customer.createPortalLink",
        group: "billing",
        path: "/ams/api/v1/billing/customer/createPortalLink",
    },
    Endpoint {
        name: "billing.customer.delete",
        group: "billing",
        path: "/ams/api/v1/billing/customer/delete",
    },
    Endpoint {
        name: "billing.customer.inquireDetails",
        group: "billing",
        path: "/ams/api/v1/billing/customer/inquireDetails",
    },
    Endpoint {
        name: "billing.customer.inquireList",
        group: "billing",
        path: "/ams/api/v1/billing/customer/inquireList",
    },
    Endpoint {
        name: "billing.customer.update",
        group: "billing",
        path: "/ams/api/v1/billing/customer/update",
    },
    Endpoint {
        name: "billing.invoice.confirmPayment",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/confirmPayment",
    },
    Endpoint {
        name: "billing.invoice.create",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/create",
    },
    Endpoint {
        name: "billing.invoice.createViewLink",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/createViewLink",
    },
    Endpoint {
        name: "billing.invoice.export",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/export",
    },
    Endpoint {
        name: "billing.invoice.finalize",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/finalize",
    },
    Endpoint {
        name: "billing.invoice.inquireDetails",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/inquireDetails",
    },
    Endpoint {
        name: "billing.invoice.inquireList",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/inquireList",
    },
    Endpoint {
        name: "billing.invoice.markUncollectible",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/markUncollectible",
    },
    Endpoint {
        name: "billing.invoice.revise",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/revise",
    },
    Endpoint {
        name: "billing.invoice.send",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/send",
    },
    Endpoint {
        name: "billing.invoice.update",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/update",
    },
    Endpoint {
        name: "billing.invoice.void",
        group: "billing",
        path: "/ams/api/v1/billing/invoice/void",
    },
    Endpoint {
        name: "billing.price.create",
        group: "billing",
        path: "/ams/api/v1/billing/price/create",
    },
    Endpoint {
        name: "billing.price.inquireDetails",
        group: "billing",
        path: "/ams/api/v1/billing/price/inquireDetails",
    },
    Endpoint {
        name: "billing.price.inquireList",
        group: "billing",
        path: "/ams/api/v1/billing/price/inquireList",
    },
    Endpoint {
        name: "billing.price.update",
        group: "billing",
        path: "/ams/api/v1/billing/price/update",
    },
    Endpoint {
        name: "billing.product.create",
        group: "billing",
        path: "/ams/api/v1/billing/product/create",
    },
    Endpoint {
        name: "billing.product.inquireDetails",
        group: "billing",
        path: "/ams/api/v1/billing/product/inquireDetails",
    },
    Endpoint {
        name: "billing.product.inquireList",
        group: "billing",
        path: "/ams/api/v1/billing/product/inquireList",
    },
    Endpoint {
        name: "billing.product.update",
        group: "billing",
        path: "/ams/api/v1/billing/product/update",
    },
    Endpoint {
        name: "billing.promotionCode.create",
        group: "billing",
        path: "/ams/api/v1/billing/promotionCode/create",
    },
    Endpoint {
        name: "billing.promotionCode.inquireDetails",
        group: "billing",
        path: "/ams/api/v1/billing/promotionCode/inquireDetails",
    },
    Endpoint {
        name: "billing.promotionCode.inquireList",
        group: "billing",
        path: "/ams/api/v1/billing/promotionCode/inquireList",
    },
    Endpoint {
        name: "billing.promotionCode.update",
        group: "billing",
        path: "/ams/api/v1/billing/promotionCode/update",
    },
    Endpoint {
        name: "billing.receipt.export",
        group: "billing",
        path: "/ams/api/v1/billing/receipt/export",
    },
    Endpoint {
        name: "billing.receipt.inquireDetails",
        group: "billing",
        path: "/ams/api/v1/billing/receipt/inquireDetails",
    },
    Endpoint {
        name: "billing.receipt.inquireList",
        group: "billing",
        path: "/ams/api/v1/billing/receipt/inquireList",
    },
    Endpoint {
        name: "billing.receipt.send",
        group: "billing",
        path: "/ams/api/v1/billing/receipt/send",
    },
    Endpoint {
        name: "billing.subscription.cancel",
        group: "billing",
        path: "/ams/api/v1/billing/subscription/cancel",
    },
    Endpoint {
        name: "billing.subscription.create",
        group: "billing",
        path: "/ams/api/v1/billing/subscription/create",
    },
    Endpoint {
        name: "billing.subscription.inquireDetails",
        group: "billing",
        path: "/ams/api/v1/billing/subscription/inquireDetails",
    },
    Endpoint {
        name: "billing.subscription.inquireList",
        group: "billing",
        path: "/ams/api/v1/billing/subscription/inquireList",
    },
    Endpoint {
        name: "billing.subscription.resume",
        group: "billing",
        path: "/ams/api/v1/billing/subscription/resume",
    },
    Endpoint {
        name: "billing.subscription.update",
        group: "billing",
        path: "/ams/api/v1/billing/subscription/update",
    },
    Endpoint {
        name: "business.attachment.submitAttachment",
        group: "business",
        path: "/ams/api/open/openapiv2_file/v1/business/attachment/submitAttachment",
    },
    Endpoint {
        name: "customs.declare",
        group: "customs",
        path: "/ams/api/v1/customs/declare",
    },
    Endpoint {
        name: "customs.inquiryDeclarationRequests",
        group: "customs",
        path: "/ams/api/v1/customs/inquiryDeclarationRequests",
    },
    Endpoint {
        name: "funds.createPayout",
        group: "funds",
        path: "/ams/api/v1/funds/createPayout",
    },
    Endpoint {
        name: "funds.createTransfer",
        group: "funds",
        path: "/ams/api/v1/funds/createTransfer",
    },
    Endpoint {
        name: "merchants.inquiryRegistrationInfo",
        group: "merchants",
        path: "/ams/api/v1/merchants/inquiryRegistrationInfo",
    },
    Endpoint {
        name: "merchants.inquiryRegistrationStatus",
        group: "merchants",
        path: "/ams/api/v1/merchants/inquiryRegistrationStatus",
    },
    Endpoint {
        name: "merchants.register",
        group: "merchants",
        path: "/ams/api/v1/merchants/register",
    },
    Endpoint {
        name: "merchants.registration",
        group: "merchants",
        path: "/ams/api/v1/merchants/registration",
    },
    Endpoint {
        name: "merchants.settlementInfo.update",
        group: "merchants",
        path: "/ams/api/v1/merchants/settlementInfo/update",
    },
    Endpoint {
        name: "meter.create",
        group: "meter",
        path: "/ams/api/v1/meter/create",
    },
    Endpoint {
        name: "meter.createSession",
        group: "meter",
        path: "/ams/api/v1/meter/createSession",
    },
    Endpoint {
        name: "meter.creditGrant.create",
        group: "meter",
        path: "/ams/api/v1/meter/creditGrant/create",
    },
    Endpoint {
        name: "meter.creditGrant.inquireDetails",
        group: "meter",
        path: "/ams/api/v1/meter/creditGrant/inquireDetails",
    },
    Endpoint {
        name: "meter.creditGrant.inquireList",
        group: "meter",
        path: "/ams/api/v1/meter/creditGrant/inquireList",
    },
    Endpoint {
        name: "meter.creditGrant.updateExpiry",
        group: "meter",
        path: "/ams/api/v1/meter/creditGrant/updateExpiry",
    },
    Endpoint {
        name: "meter.creditGrant.void",
        group: "meter",
        path: "/ams/api/v1/meter/creditGrant/void",
    },
    Endpoint {
        name: "meter.inquireDetails",
        group: "meter",
        path: "/ams/api/v1/meter/inquireDetails",
    },
    Endpoint {
        name: "meter.inquireList",
        group: "meter",
        path: "/ams/api/v1/meter/inquireList",
    },
    Endpoint {
        name: "meter.update",
        group: "meter",
        path: "/ams/api/v1/meter/update",
    },
    Endpoint {
        name: "meter.uploadEvent",
        group: "meter",
        path: "/ams/api/v1/meter/uploadEvent",
    },
    Endpoint {
        name: "notification.inquireNotification",
        group: "notification",
        path: "/ams/api/v1/notification/inquireNotification",
    },
    Endpoint {
        name: "notification.inquireNotificationList",
        group: "notification",
        path: "/ams/api/v1/notification/inquireNotificationList",
    },
    Endpoint {
        name: "payments.acceptDispute",
        group: "payments",
        path: "/ams/api/v1/payments/acceptDispute",
    },
    Endpoint {
        name: "payments.cancel",
        group: "payments",
        path: "/ams/api/v1/payments/cancel",
    },
    Endpoint {
        name: "payments.capture",
        group: "payments",
        path: "/ams/api/v1/payments/capture",
    },
    Endpoint {
        name: "payments.consult",
        group: "payments",
        path: "/ams/api/v1/payments/consult",
    },
    Endpoint {
        name: "payments.createDeviceCertificate",
        group: "payments",
        path: "/ams/api/v1/payments/createDeviceCertificate",
    },
    Endpoint {
        name: "payments.createMandate",
        group: "payments",
        path: "/ams/api/v1/payments/createMandate",
    },
    Endpoint {
        name: "payments.createPaymentSession",
        group: "payments",
        path: "/ams/api/v1/payments/createPaymentSession",
    },
    Endpoint {
        name: "payments.downloadDisputeEvidence",
        group: "payments",
        path: "/ams/api/v1/payments/downloadDisputeEvidence",
    },
    Endpoint {
        name: "payments.fetchNonce",
        group: "payments",
        path: "/ams/api/v1/payments/fetchNonce",
    },
    Endpoint {
        name: "payments.getCardInfo",
        group: "payments",
        path: "/ams/api/v1/payments/getCardInfo",
    },
    Endpoint {
        name: "payments.inquire",
        group: "payments",
        path: "/ams/api/v1/payments/inquire",
    },
    Endpoint {
        name: "payments.inquireExchangeRate",
        group: "payments",
        path: "/ams/api/v1/payments/inquireExchangeRate",
    },
    Endpoint {
        name: "payments.inquireInstallment",
        group: "payments",
        path: "/ams/api/v1/payments/inquireInstallment",
    },
    Endpoint {
        name: "payments.inquiryPayment",
        group: "payments",
        path: "/ams/api/v1/payments/inquiryPayment",
    },
    Endpoint {
        name: "payments.inquiryRefund",
        group: "payments",
        path: "/ams/api/v1/payments/inquiryRefund",
    },
    Endpoint {
        name: "payments.pay",
        group: "payments",
        path: "/ams/api/v1/payments/pay",
    },
    Endpoint {
        name: "payments.refund",
        group: "payments",
        path: "/ams/api/v1/payments/refund",
    },
    Endpoint {
        name: "payments.reserve.cancelRule",
        group: "payments",
        path: "/ams/api/v1/payments/reserve/cancelRule",
    },
    Endpoint {
        name: "payments.reserve.createHold",
        group: "payments",
        path: "/ams/api/v1/payments/reserve/createHold",
    },
    Endpoint {
        name: "payments.reserve.createRelease",
        group: "payments",
        path: "/ams/api/v1/payments/reserve/createRelease",
    },
    Endpoint {
        name: "payments.reserve.createRule",
        group: "payments",
        path: "/ams/api/v1/payments/reserve/createRule",
    },
    Endpoint {
        name: "payments.reserve.inquireHoldList",
        group: "payments",
        path: "/ams/api/v1/payments/reserve/inquireHoldList",
    },
    Endpoint {
        name: "payments.reserve.inquireRelease",
        group: "payments",
        path: "/ams/api/v1/payments/reserve/inquireRelease",
    },
    Endpoint {
        name: "payments.reserve.inquireRuleList",
        group: "payments",
        path: "/ams/api/v1/payments/reserve/inquireRuleList",
    },
    Endpoint {
        name: "payments.reserve.updateHold",
        group: "payments",
        path: "/ams/api/v1/payments/reserve/updateHold",
    },
    Endpoint {
        name: "payments.reserve.updateRule",
        group: "payments",
        path: "/ams/api/v1/payments/reserve/updateRule",
    },
    Endpoint {
        name: "payments.retrievePaymentSession",
        group: "payments",
        path: "/ams/api/v1/payments/retrievePaymentSession",
    },
    Endpoint {
        name: "payments.settle",
        group: "payments",
        path: "/ams/api/v1/payments/settle",
    },
    Endpoint {
        name: "payments.supplyDefenseDocument",
        group: "payments",
        path: "/ams/api/v1/payments/supplyDefenseDocument",
    },
    Endpoint {
        name: "payments.supplyEvidence",
        group: "payments",
        path: "/ams/api/v1/payments/supplyEvidence",
    },
    Endpoint {
        name: "payments.syncArrear",
        group: "payments",
        path: "/ams/api/v1/payments/syncArrear",
    },
    Endpoint {
        name: "payments.updateAmount",
        group: "payments",
        path: "/ams/api/v1/payments/updateAmount",
    },
    Endpoint {
        name: "payments.uploadInvoiceShippingFile",
        group: "payments",
        path: "/ams/api/v1/payments/uploadInvoiceShippingFile",
    },
    Endpoint {
        name: "payments.verifyAndCompletePayment",
        group: "payments",
        path: "/ams/api/v1/payments/verifyAndCompletePayment",
    },
    Endpoint {
        name: "risk.payments.decide",
        group: "risk",
        path: "/ams/api/v1/risk/payments/decide",
    },
    Endpoint {
        name: "risk.payments.reportRisk",
        group: "risk",
        path: "/ams/api/v1/risk/payments/reportRisk",
    },
    Endpoint {
        name: "risk.payments.sendPaymentResult",
        group: "risk",
        path: "/ams/api/v1/risk/payments/sendPaymentResult",
    },
    Endpoint {
        name: "risk.payments.sendRefundResult",
        group: "risk",
        path: "/ams/api/v1/risk/payments/sendRefundResult",
    },
    Endpoint {
        name: "subscriptions.cancel",
        group: "subscriptions",
        path: "/ams/api/v1/subscriptions/cancel",
    },
    Endpoint {
        name: "subscriptions.change",
        group: "subscriptions",
        path: "/ams/api/v1/subscriptions/change",
    },
    Endpoint {
        name: "subscriptions.create",
        group: "subscriptions",
        path: "/ams/api/v1/subscriptions/create",
    },
    Endpoint {
        name: "subscriptions.inquireSubscription",
        group: "subscriptions",
        path: "/ams/api/v1/subscriptions/inquireSubscription",
    },
    Endpoint {
        name: "subscriptions.inquireSubscriptionList",
        group: "subscriptions",
        path: "/ams/api/v1/subscriptions/inquireSubscriptionList",
    },
    Endpoint {
        name: "subscriptions.inquireSubscriptionPayment",
        group: "subscriptions",
        path: "/ams/api/v1/subscriptions/inquireSubscriptionPayment",
    },
    Endpoint {
        name: "subscriptions.inquiry",
        group: "subscriptions",
        path: "/ams/api/v1/subscriptions/inquiry",
    },
    Endpoint {
        name: "subscriptions.update",
        group: "subscriptions",
        path: "/ams/api/v1/subscriptions/update",
    },
    Endpoint {
        name: "tax.calculate",
        group: "tax",
        path: "/ams/api/v1/tax/calculate",
    },
    Endpoint {
        name: "tax.cancelRegistration",
        group: "tax",
        path: "/ams/api/v1/tax/cancelRegistration",
    },
    Endpoint {
        name: "tax.initializeSettings",
        group: "tax",
        path: "/ams/api/v1/tax/initializeSettings",
    },
    Endpoint {
        name: "tax.inquireCalculation",
        group: "tax",
        path: "/ams/api/v1/tax/inquireCalculation",
    },
    Endpoint {
        name: "tax.inquireRegistrationList",
        group: "tax",
        path: "/ams/api/v1/tax/inquireRegistrationList",
    },
    Endpoint {
        name: "tax.inquireSettings",
        group: "tax",
        path: "/ams/api/v1/tax/inquireSettings",
    },
    Endpoint {
        name: "tax.inquireTransactionList",
        group: "tax",
        path: "/ams/api/v1/tax/inquireTransactionList",
    },
    Endpoint {
        name: "tax.register",
        group: "tax",
        path: "/ams/api/v1/tax/register",
    },
    Endpoint {
        name: "tax.updateRegistrationPeriod",
        group: "tax",
        path: "/ams/api/v1/tax/updateRegistrationPeriod",
    },
    Endpoint {
        name: "tax.updateSettings",
        group: "tax",
        path: "/ams/api/v1/tax/updateSettings",
    },
    Endpoint {
        name: "users.initAuthentication",
        group: "users",
        path: "/ams/api/v1/users/initAuthentication",
    },
    Endpoint {
        name: "users.inquiryUserInfo",
        group: "users",
        path: "/ams/api/v1/users/inquiryUserInfo",
    },
    Endpoint {
        name: "users.verifyAuthentication",
        group: "users",
        path: "/ams/api/v1/users/verifyAuthentication",
    },
    Endpoint {
        name: "vaults.createVaultingSession",
        group: "vaults",
        path: "/ams/api/v1/vaults/createVaultingSession",
    },
    Endpoint {
        name: "vaults.deleteToken",
        group: "vaults",
        path: "/ams/api/v1/vaults/deleteToken",
    },
    Endpoint {
        name: "vaults.fetchNonce",
        group: "vaults",
        path: "/ams/api/v1/vaults/fetchNonce",
    },
    Endpoint {
        name: "vaults.inquireToken",
        group: "vaults",
        path: "/ams/api/v1/vaults/inquireToken",
    },
    Endpoint {
        name: "vaults.inquireVaulting",
        group: "vaults",
        path: "/ams/api/v1/vaults/inquireVaulting",
    },
    Endpoint {
        name: "vaults.updateToken",
        group: "vaults",
        path: "/ams/api/v1/vaults/updateToken",
    },
    Endpoint {
        name: "vaults.vaultPaymentMethod",
        group: "vaults",
        path: "/ams/api/v1/vaults/vaultPaymentMethod",
    },
];
