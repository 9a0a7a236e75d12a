// Command kube-apiserver is a Kubernetes API server for custom resources only, for tests: the
// k8s.io/apiextensions-apiserver library on k8s.io/apiserver's generic server, backed by etcd,
// without a core kube-apiserver in front of it (see README.md beside this file).
//
// What it wires, and what it leaves out on purpose:
//   - storage: etcd (--etcd-servers), as a real cluster stores custom resources;
//   - serving: HTTPS with the given certificate (--tls-cert-file, --tls-private-key-file);
//   - authentication: client certificates signed by --client-ca-file (user = CN, groups = O), and
//     bearer tokens from --token-auth-file (kube-apiserver's CSV format: token,user,uid,"group1,group2");
//     anonymous requests get 401;
//   - authorization: every authenticated user may do everything, except the users in
//     --read-only-group, who may only get, list and watch (403 like RBAC's, naming the verb);
//   - no admission at all (so no NamespaceLifecycle: a namespaced custom resource can be created in
//     any namespace, as no Namespace objects exist), no admission webhooks, no priority and fairness;
//   - discovery: /apis (aggregated, with the CRDs' groups), which the library leaves to
//     kube-aggregator in a cluster, and an empty /api (no core group), so kubectl and client-go
//     discovery work.
package main

import (
	"context"
	"encoding/json"
	goflag "flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/pflag"
	noopoteltrace "go.opentelemetry.io/otel/trace/noop"
	"k8s.io/apiextensions-apiserver/pkg/apiserver"
	"k8s.io/apiextensions-apiserver/pkg/cmd/server/options"
	generatedopenapi "k8s.io/apiextensions-apiserver/pkg/generated/openapi"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/group"
	"k8s.io/apiserver/pkg/authentication/request/bearertoken"
	"k8s.io/apiserver/pkg/authentication/request/union"
	"k8s.io/apiserver/pkg/authentication/request/x509"
	"k8s.io/apiserver/pkg/authentication/token/tokenfile"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	discoveryendpoint "k8s.io/apiserver/pkg/endpoints/discovery/aggregated"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/apiserver/pkg/server/dynamiccertificates"
	"k8s.io/apiserver/pkg/util/openapi"
	"k8s.io/apiserver/pkg/util/webhook"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/klog/v2"
	netutils "k8s.io/utils/net"
)

type extraFlags struct {
	clientCAFile  string
	tokenAuthFile string
	readOnlyGroup string
}

func main() {
	o := options.NewCustomResourceDefinitionsServerOptions(os.Stdout, os.Stderr)
	// Everything that needs a core API (Namespaces, Services, ConfigMaps, TokenReviews,
	// SubjectAccessReviews, FlowSchemas) is switched off: there is none.
	o.RecommendedOptions.Authentication = nil
	o.RecommendedOptions.Authorization = nil
	o.RecommendedOptions.CoreAPI = nil
	o.RecommendedOptions.Admission = nil
	o.RecommendedOptions.Features.EnablePriorityAndFairness = false

	extra := extraFlags{readOnlyGroup: "aviary:read-only"}
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ExitOnError)
	o.AddFlags(fs)
	fs.StringVar(&extra.clientCAFile, "client-ca-file", "", "PEM bundle of the CAs whose client certificates are accepted (user = CN, groups = O). Required.")
	fs.StringVar(&extra.tokenAuthFile, "token-auth-file", "", "Bearer tokens, in kube-apiserver's CSV format: token,user,uid,\"group1,group2\".")
	fs.StringVar(&extra.readOnlyGroup, "read-only-group", extra.readOnlyGroup, "Users in this group may only get, list and watch.")
	klogFlags := goflag.NewFlagSet("klog", goflag.ExitOnError)
	klog.InitFlags(klogFlags)
	fs.AddGoFlagSet(klogFlags)
	if err := fs.Parse(os.Args[1:]); err != nil {
		fatal(err)
	}
	if extra.clientCAFile == "" {
		fatal(fmt.Errorf("--client-ca-file is required"))
	}
	if err := o.ServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		fatal(err)
	}
	if err := o.Complete(); err != nil {
		fatal(err)
	}
	if err := o.Validate(); err != nil {
		fatal(err)
	}
	if err := run(genericapiserver.SetupSignalContext(), o, extra); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "kube-apiserver:", err)
	os.Exit(1)
}

func run(ctx context.Context, o *options.CustomResourceDefinitionsServerOptions, extra extraFlags) error {
	config, err := newConfig(o, extra)
	if err != nil {
		return err
	}
	server, err := config.Complete().New(genericapiserver.NewEmptyDelegate())
	if err != nil {
		return err
	}
	generic := server.GenericAPIServer
	// apiextensions' Config.Complete switches the generic /apis off (in a cluster, kube-aggregator
	// serves it): serve it here. The aggregated form (apidiscovery.k8s.io/v2, what kubectl and
	// client-go ask for first) lists the CRDs' groups, which the library's discovery controller keeps
	// in AggregatedDiscoveryGroupManager; the legacy APIGroupList lists only apiextensions.k8s.io.
	generic.Handler.GoRestfulContainer.Add(
		discoveryendpoint.WrapAggregatedDiscoveryToHandler(generic.DiscoveryGroupManager, generic.AggregatedDiscoveryGroupManager, nil).
			GenerateWebService("/apis", metav1.APIGroupList{}),
	)
	// No core API group: an empty /api, so discovery clients (kubectl, client-go) carry on to /apis.
	mux := generic.Handler.NonGoRestfulMux
	mux.Handle("/api", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, &metav1.APIVersions{
			TypeMeta:                   metav1.TypeMeta{Kind: "APIVersions"},
			Versions:                   []string{},
			ServerAddressByClientCIDRs: []metav1.ServerAddressByClientCIDR{},
		})
	}))
	mux.HandlePrefix("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, &metav1.Status{
			TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
			Status:   metav1.StatusFailure,
			Message:  "the server could not find the requested resource (this server has no core API group)",
			Reason:   metav1.StatusReasonNotFound,
			Code:     http.StatusNotFound,
		})
	}))
	return generic.PrepareRun().RunWithContext(ctx)
}

func writeJSON(w http.ResponseWriter, code int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// newConfig is options.CustomResourceDefinitionsServerOptions.Config without the parts that need
// a core API (the Service lister for conversion webhooks, the delegating authn/authz).
func newConfig(o *options.CustomResourceDefinitionsServerOptions, extra extraFlags) (*apiserver.Config, error) {
	if err := o.RecommendedOptions.SecureServing.MaybeDefaultWithSelfSignedCerts("localhost", nil, []net.IP{netutils.ParseIPSloppy("127.0.0.1")}); err != nil {
		return nil, fmt.Errorf("error creating self-signed certificates: %w", err)
	}
	serverConfig := genericapiserver.NewRecommendedConfig(apiserver.Codecs)
	if err := o.ServerRunOptions.ApplyTo(&serverConfig.Config); err != nil {
		return nil, err
	}
	if err := o.RecommendedOptions.ApplyTo(serverConfig); err != nil {
		return nil, err
	}
	if err := o.APIEnablement.ApplyTo(&serverConfig.Config, apiserver.DefaultAPIResourceConfigSource(), apiserver.Scheme); err != nil {
		return nil, err
	}

	clientCA, err := dynamiccertificates.NewDynamicCAContentFromFile("client-ca-bundle", extra.clientCAFile)
	if err != nil {
		return nil, fmt.Errorf("--client-ca-file: %w", err)
	}
	authenticators := []authenticator.Request{x509.NewDynamic(clientCA.VerifyOptions, x509.CommonNameUserConversion)}
	if extra.tokenAuthFile != "" {
		tokens, err := tokenfile.NewCSV(extra.tokenAuthFile)
		if err != nil {
			return nil, fmt.Errorf("--token-auth-file: %w", err)
		}
		authenticators = append(authenticators, bearertoken.New(tokens))
	}
	serverConfig.Authentication.Authenticator = group.NewAuthenticatedGroupAdder(union.New(authenticators...))
	if err := serverConfig.Authentication.ApplyClientCert(clientCA, serverConfig.SecureServing); err != nil {
		return nil, err
	}
	serverConfig.Authorization.Authorizer = readOnlyGroupAuthorizer(extra.readOnlyGroup)

	namer := openapinamer.NewDefinitionNamer(apiserver.Scheme, scheme.Scheme)
	definitions := openapi.GetOpenAPIDefinitionsWithoutDisabledFeatures(generatedopenapi.GetOpenAPIDefinitions)
	// v2 as well as v3, as kube-apiserver serves both: the CRDs' schemas are published in both.
	serverConfig.OpenAPIConfig = genericapiserver.DefaultOpenAPIConfig(definitions, namer)
	serverConfig.OpenAPIConfig.Info.Title = "aviary kube-apiserver (custom resources only)"
	serverConfig.OpenAPIV3Config = genericapiserver.DefaultOpenAPIV3Config(definitions, namer)
	serverConfig.OpenAPIV3Config.Info.Title = serverConfig.OpenAPIConfig.Info.Title

	return &apiserver.Config{
		GenericConfig: serverConfig,
		ExtraConfig: apiserver.ExtraConfig{
			CRDRESTOptionsGetter: options.NewCRDRESTOptionsGetter(*o.RecommendedOptions.Etcd, serverConfig.ResourceTransformers, serverConfig.StorageObjectCountTracker),
			ServiceResolver:      noServices{},
			AuthResolverWrapper:  webhook.NewDefaultAuthenticationInfoResolverWrapper(nil, nil, serverConfig.LoopbackClientConfig, noopoteltrace.NewTracerProvider()),
		},
	}, nil
}

// noServices resolves no Service: conversion webhooks that name one cannot be reached.
type noServices struct{}

func (noServices) ResolveEndpoint(namespace, name string, port int32) (*url.URL, error) {
	return nil, fmt.Errorf("service %s/%s:%d: this server has no core API, so no Services (conversion webhooks need a URL)", namespace, name, port)
}

var readVerbs = sets.New("get", "list", "watch")

func readOnlyGroupAuthorizer(readOnlyGroup string) authorizer.Authorizer {
	return authorizer.AuthorizerFunc(func(_ context.Context, a authorizer.Attributes) (authorizer.Decision, string, error) {
		u := a.GetUser()
		if u == nil {
			return authorizer.DecisionDeny, "no user", nil
		}
		if readOnlyGroup != "" && sets.New(u.GetGroups()...).Has(readOnlyGroup) && !readVerbs.Has(a.GetVerb()) {
			return authorizer.DecisionDeny, fmt.Sprintf("group %q may only %s", readOnlyGroup, strings.Join(sets.List(readVerbs), ", ")), nil
		}
		return authorizer.DecisionAllow, "", nil
	})
}
